#!/bin/sh
# Usage: abidw.sh LIBKNEE.so INCLUDE_DIR
# Print libknee's ABI as abixml: only what the public headers declare (private types dropped),
# and no file paths or line numbers, so a baseline made in one checkout compares cleanly with a
# build in another. Needs a library built with debug information (RelWithDebInfo, the default).
set -eu
exec abidw --headers-dir "$2" --drop-private-types --no-show-locs --no-corpus-path \
    --no-comp-dir-path --type-id-style hash "$1"
