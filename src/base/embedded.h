/* embedded.h - files compiled into the library at build time (cmake/KneeEmbed.cmake), so it
 * never depends on where it was installed. Each is NUL-terminated; _len excludes the NUL. */
#ifndef KNEE_EMBEDDED_H
#define KNEE_EMBEDDED_H

#include <stddef.h>

extern const unsigned char knee__xsd_rules[]; /* rules/schema/knee-rules-1.xsd */
extern const size_t knee__xsd_rules_len;
extern const unsigned char knee__xsd_patient[]; /* rules/schema/knee-patient-1.xsd */
extern const size_t knee__xsd_patient_len;
extern const unsigned char knee__default_rules[]; /* rules/knee-oa.xml */
extern const size_t knee__default_rules_len;

#endif
