#!/bin/sh
# Reads text captured from triage's plain mode (issue 17) as a screen reader's speech synthesiser
# would, with espeak-ng, and checks what a blind client hears on the crisis page: numbers read
# digit by digit ("nine eight eight", never "nine hundred and eighty-eight"), and no symbol read
# aloud by name ("slash", "dash", "asterisk"...).
#
#   docs/plain-speech.sh FILE [en|fr]
#
# FILE is the text of the page, one line per line said, e.g. cut from a session recorded with
# `script -q -c 'triage kiosk --plain' crisis.log`. Exit 0: reads well; 1: a problem, printed;
# 77: espeak-ng is not installed (apt-get install -y espeak-ng), nothing checked.
# tests/integration/plain_kiosk.rs runs it on the crisis page of a real plain-mode session.
set -eu
file=${1:?usage: docs/plain-speech.sh FILE [en|fr]}
lang=${2:-en}
if ! command -v espeak-ng >/dev/null 2>&1; then
    echo "plain-speech: SKIPPED: espeak-ng is not installed (apt-get install -y espeak-ng)" >&2
    exit 77
fi
case $lang in
en)
    numbers="ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty
        thirty forty fifty sixty seventy eighty ninety hundred thousand million"
    symbols="slash backslash dash hyphen asterisk star underscore hash bullet ellipsis minus percent
        tilde caret ampersand equals pipe bar"
    ;;
fr)
    numbers="dix onze douze treize quatorze quinze seize vingt trente quarante cinquante soixante
        mille million"
    symbols="barre oblique tiret astérisque étoile dièse souligné tilde pourcent égal esperluette"
    ;;
*)
    echo "plain-speech: unknown language $lang: use en or fr" >&2
    exit 2
    ;;
esac

# espeak-ng's phonemes, one word a line, without stress and pause marks.
words() {
    tr -s ' \t\r\n' '\n\n\n\n' | sed -e "s/[',_:|#;]//g" -e '/^$/d'
}
phonemes() {
    espeak-ng -q -x -v "$lang" "$1" | words | tr '\n' ' ' | sed 's/ $//'
}

said=$(espeak-ng -q -x -v "$lang" -f "$file" | words)
status=0

# The text: every digit stands alone, so that it is read as a digit.
if grep -nE '[0-9]{2}' "$file" >/dev/null; then
    echo "plain-speech: numbers of two digits or more (read as numbers, not digit by digit):"
    grep -nE '[0-9]{2}' "$file"
    status=1
fi
# The text: nothing but letters, digits, spaces and the punctuation speech pauses on.
if grep -nP "[^\p{L}\p{N}\s.,;:!?'’()«»-]" "$file" >/dev/null 2>&1; then
    echo "plain-speech: symbols a synthesiser may read aloud:"
    grep -nP "[^\p{L}\p{N}\s.,;:!?'’()«»-]" "$file"
    status=1
fi
# The speech: no number word above nine, no symbol's name.
for word in $numbers $symbols; do
    sound=$(phonemes "$word")
    if printf '%s\n' "$said" | grep -qxF "$sound"; then
        echo "plain-speech: espeak-ng says \"$word\" ($sound)"
        status=1
    fi
done
# The speech: digits are said (the page has its crisis lines).
if grep -qE '[0-9]' "$file"; then
    nine=$(phonemes 9)
    if ! printf '%s\n' "$said" | grep -qxF "$nine"; then
        echo "plain-speech: no digit is said (expected \"9\" as $nine)"
        status=1
    fi
fi
[ "$status" -eq 0 ] && echo "plain-speech: $file reads well in $lang: digits one by one, no symbol read aloud"
exit "$status"
