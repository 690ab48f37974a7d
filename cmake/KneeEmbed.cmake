# Run as a script: cmake -DIN=file -DOUT=file.c -DSYMBOL=name -P KneeEmbed.cmake
# Writes the bytes of IN as a const unsigned char array (plus its length) so the library carries
# its schema and default rules and never depends on where it was installed.
file(READ "${IN}" _hex HEX)
string(LENGTH "${_hex}" _n)
math(EXPR _len "${_n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" _bytes "${_bytes}")
file(WRITE "${OUT}.tmp" "/* generated from ${IN}; do not edit */\n#include <stddef.h>\n"
  "extern const unsigned char ${SYMBOL}[];\nextern const size_t ${SYMBOL}_len;\n"
  "const unsigned char ${SYMBOL}[] = {\n${_bytes}0x00};\nconst size_t ${SYMBOL}_len = ${_len};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
