/*
 * A reader of Python pickles of plain data that renders the unpickled value
 * as JSON text, exactly as Tacker's revision 6e56d4474b2a did it with
 * oslo's jsonutils.dump_as_bytes(pickle.loads(blob)): json.dumps with its
 * defaults (separators ", " and ": ", ensure_ascii, dict insertion order,
 * floats as Python's repr, NaN/Infinity allowed) and oslo's to_primitive
 * for what json cannot take itself (bytes become UTF-8 text).
 *
 * Values: dict, list, tuple (a JSON list), str, bytes, int (within 64
 * bits), float, bool and None; protocols 0 to 5, memo, marks, frames.
 * Anything else (class instances, globals, sets, out-of-band buffers) is
 * an error that names the opcode or value and its byte offset.
 */
#ifndef DBM_PICKLE_H
#define DBM_PICKLE_H

#include <stddef.h>

#include "err.h"

/*
 * Convert the pickle in data[0..len) to JSON. On success return 0 and set
 * *out to a NUL-terminated string (free it) of *out_len bytes (out_len may
 * be NULL). On failure return -1, leave *out NULL and say why in err:
 * "unsupported pickle opcode 0x63 ('c') at offset 12",
 * "truncated pickle at offset 7", ...
 */
int dbm_pickle_to_json(const void *data, size_t len, char **out,
		       size_t *out_len, struct dbm_err *err);

#endif
