#!/bin/sh
# Usage: abidw.sh LIBKNEE.so INCLUDE_DIR
# Print libknee's ABI as abixml: only what the public headers declare (private types dropped),
# and no file paths or line numbers, so a baseline made in one checkout compares cleanly with a
# build in another. abidw still names each translation unit by the path it was compiled from;
# those are cut to the part from the source tree's src/ on ('src/base/error.c'; the files the
# build generates, 'src/knee__default_rules.c'), so the baseline holds no absolute path. Needs a
# library built with debug information (RelWithDebInfo, the default).
set -eu
abidw --headers-dir "$2" --drop-private-types --no-show-locs --no-corpus-path \
    --no-comp-dir-path --type-id-style hash "$1" | sed "s|path='[^']*/src/|path='src/|"
