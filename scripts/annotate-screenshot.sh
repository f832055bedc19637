#!/usr/bin/env bash
# Makes docs/annotate-libreoffice.png: the annotated copy of fixtures/formats/defaut-docx/CCTP.docx
# opened in LibreOffice Writer, with its comments in the margin. Needs a LibreOffice with its
# graphical interface and a virtual X server (on Debian: apt-get install libreoffice-writer
# xvfb x11-apps netpbm) and a built tenderlint (cargo build).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Exit 1: the document has findings, which is the point.
SOURCE_DATE_EPOCH=1796601600 target/debug/tenderlint annotate \
  fixtures/formats/defaut-docx/CCTP.docx -o "$work/CCTP-annote.docx" || [ $? -eq 1 ]
cat > "$work/shot.sh" <<SHOT
#!/bin/sh
export HOME="$work/home"
mkdir -p "\$HOME"
soffice --norestore --nologo --nofirststartwizard --writer "$work/CCTP-annote.docx" &
sleep 25
xwd -root -silent > "$work/screen.xwd"
SHOT
chmod +x "$work/shot.sh"
# LibreOffice aborts when the virtual X server goes away after the picture: not an error here.
xvfb-run -s "-screen 0 1400x1000x24" "$work/shot.sh" 2>/dev/null || true
xwdtopnm "$work/screen.xwd" 2>/dev/null | pnmtopng > docs/annotate-libreoffice.png
echo "docs/annotate-libreoffice.png written"
