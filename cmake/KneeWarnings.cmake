# Warnings for our own code (conventions.md rule 20). Warnings are errors in CI (-DKNEE_WERROR=ON).
option(KNEE_WERROR "Treat warnings as errors" OFF)
set(KNEE_WARNING_FLAGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
    -Wpointer-arith -Wcast-qual -Wundef)
if(KNEE_WERROR)
  list(APPEND KNEE_WARNING_FLAGS -Werror)
endif()
