/* error.c - status codes in words, and knee_free() for what the library hands its callers. */
#include "knee.h"
#include "util/alloc.h"

const char *knee_strerror(int status)
{
    switch (status) {
    case KNEE_OK:
        return "success";
    case KNEE_EINVAL:
        return "invalid argument";
    case KNEE_ENOMEM:
        return "out of memory";
    case KNEE_EIO:
        return "input/output error";
    case KNEE_EPARSE:
        return "malformed input";
    case KNEE_EINVALID:
        return "invalid rule or patient file";
    case KNEE_ELIMIT:
        return "limit exceeded";
    case KNEE_EUNKNOWN:
        return "unknown identifier";
    case KNEE_ETYPE:
        return "wrong type";
    case KNEE_ERANGE:
        return "value out of range";
    case KNEE_EWEIGHT:
        return "invalid weights";
    case KNEE_ENOTFOUND:
        return "not found";
    case KNEE_EREGEX:
        return "pattern match failed";
    default:
        return "unknown status";
    }
}

/* Memory handed to a caller through "char **" comes from the allocation choke point
 * (util/alloc.c), which is malloc underneath. */
void knee_free(void *p)
{
    knee__dealloc(p);
}
