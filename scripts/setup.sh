#!/usr/bin/env bash
# Install everything Dutytrace needs on a fresh Debian machine: system packages (Tesseract for OCR,
# Chromium for the browser test), a virtual environment in .venv with the pinned CPU torch first,
# then the package with its test extras. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim chromium chromium-driver poppler-utils fonts-noto-cjk fonts-wqy-zenhei postgresql)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python
stamp=.venv/.dutytrace-installed
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$VPY" -m pip install -q --upgrade pip
  # torch first and pinned: the CPU build is at hand; an unpinned torch pulls a multi-GB CUDA build
  "$VPY" -m pip install -q "torch==2.13.0"
  "$VPY" -m pip install -q "sqlalchemy==2.1.9" "alembic==1.20.1"  # the catalog (pinned in pyproject.toml too)
  "$VPY" -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
fi
echo "setup: done ($("$VPY" -c 'import dutytrace; print("dutytrace", dutytrace.__version__)'))"
