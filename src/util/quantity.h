/* quantity.h - numbers and quantities as people read them ("20,000", "0.25", "$12.50",
 * "90 days", "42–365 days"), the same whatever the host's locale: for the report and the knee
 * command alike. Each function writes into buf (size bytes, cut to fit) and returns it. */
#ifndef KNEE_QUANTITY_H
#define KNEE_QUANTITY_H

#include <stddef.h>

/* Room for any of the texts below without a unit. */
#define KNEE__NUM_BUF 96

/* Up to `decimals` decimals, trailing zeros dropped, thousands grouped with ',' when grouped:
 * 20000 -> "20,000", 0.25 -> "0.25"; "?" for NaN, "inf" and "-inf", and "%.6g" from 1e18 on
 * (beyond what grouping digits by hand is for). */
char *knee__num_text(char *buf, size_t size, double v, int decimals, int grouped);
/* The same as knee__num_text without grouping, for 0-9 decimals, by integer arithmetic (no
 * printf): fast enough for the millions of cells of a population run. */
char *knee__num_decimal(char *buf, size_t size, double v, int decimals);
/* Exactly `decimals` decimals: 0.5 -> "0.50"; "?" for NaN, infinities and from 1e15 on. */
char *knee__num_fixed(char *buf, size_t size, double v, int decimals);
/* A share as a percentage with up to one decimal: 0.255 -> "25.5%". */
char *knee__num_percent(char *buf, size_t size, double share);

/* 1 for the units shown as dollars before the number: "USD", "usd", "$", "US$". */
int knee__unit_is_money(const char *unit);
/* The number of a quantity as it is shown: money in whole units when whole, else with cents
 * ("12.50"); anything else with up to two decimals; grouped. */
char *knee__quantity_number(char *buf, size_t size, double v, const char *unit);
/* A quantity with its unit: "90 days", "$20,000", "30%", "12 EUR". unit may be NULL. */
char *knee__quantity(char *buf, size_t size, double v, const char *unit);
/* A range: "42–365 days", "$15,000–$35,000". */
char *knee__quantity_range(char *buf, size_t size, double low, double high, const char *unit);

#endif
