/* A typed growable array: struct { T *items; size_t len, alloc; }. */
#ifndef DBM_VEC_H
#define DBM_VEC_H

#include <stdlib.h>

#include "mem.h"

#define DBM_VEC(T)                                                             \
	struct {                                                               \
		T *items;                                                      \
		size_t len, alloc;                                             \
	}

#define DBM_VEC_INIT                                                           \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Append one element (an rvalue of the element type). */
#define dbm_vec_push(v, x)                                                     \
	do {                                                                   \
		dbm_grow((void **)&(v)->items, &(v)->alloc, (v)->len + 1,      \
			 sizeof(*(v)->items));                                 \
		(v)->items[(v)->len++] = (x);                                  \
	} while (0)

#define dbm_vec_release(v)                                                     \
	do {                                                                   \
		free((v)->items);                                              \
		(v)->items = NULL;                                             \
		(v)->len = (v)->alloc = 0;                                     \
	} while (0)

#endif
