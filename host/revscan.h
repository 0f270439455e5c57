/*
 * Reading a revision file's header fields without running it.
 *
 * Listing commands need only the metadata of every revision; compiling
 * and running thousands of chunks for it would dominate their time. A
 * revision written the usual way ("return {" with literal revision,
 * down_revision, ... fields, as the template writes them) is read here by
 * a Lua tokenizer; anything else is left to Lua itself.
 */
#ifndef DBM_REVSCAN_H
#define DBM_REVSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "revmap.h"

/*
 * Fill out's id, down, labels, depends, message and create_date from text
 * when it is a plain "return { ... }" whose metadata fields are literals
 * (strings, nil, or lists of strings) and which has an upgrade field.
 * Returns true then; false (out untouched) when Lua must decide: a
 * computed value, code before the return, an unusual escape, a missing
 * field, or text that does not tokenize.
 */
bool dbm_revscan(const char *text, size_t len, struct dbm_revision *out);

#endif
