/*
 * The header scanner: one line of data per case, the file text and what
 * it must read ("!" when Lua must decide instead).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "revscan.h"
#include "t.h"

/* "id | down,down | labels | depends | message | date" or "!" */
static const char *describe(const char *text, struct dbm_buf *out)
{
	struct dbm_revision r;
	memset(&r, 0, sizeof(r));
	dbm_buf_reset(out);
	if (!dbm_revscan(text, strlen(text), &r))
		return "!";
	char **lists[] = {r.down, r.labels, r.depends};
	size_t counts[] = {r.ndown, r.nlabels, r.ndepends};
	dbm_buf_adds(out, r.id);
	for (int l = 0; l < 3; l++) {
		dbm_buf_adds(out, " |");
		for (size_t i = 0; i < counts[l]; i++)
			dbm_buf_addf(out, "%s%s", i ? "," : " ", lists[l][i]);
	}
	dbm_buf_addf(out, " | %s | %s", r.message ? r.message : "-",
		     r.create_date ? r.create_date : "-");
	dbm_revision_release(&r);
	return out->buf;
}

#define UP " upgrade = function(op, sa) end }"

static const struct {
	const char *text, *want;
} cases[] = {
    /* clang-format off */
    {"return { revision = \"a1\", down_revision = nil," UP, "a1 | | | | - | -"},
    {"-- header\n-- more\nreturn {\n  revision = 'b2',\n  down_revision = \"a1\",\n  message = \"it's\",\n  create_date = \"2020-01-01\"," UP, "b2 | a1 | | | it's | 2020-01-01"},
    {"return { revision = \"m\", down_revision = { \"a\", \"b\" }, branch_labels = \"x\", depends_on = { 'c' }," UP, "m | a,b | x | c | - | -"},
    {"return { revision = \"e\", message = \"tab\\there \\\"q\\\" \\\\\"," UP, "e | | | | tab\there \"q\" \\ | -"},
    {"--[==[ long\ncomment ]] ]==]\nreturn { revision = \"a\";" UP, "a | | | | - | -"},
    {"return { upgrade = function(op, sa) op.execute(\"x\") end, revision = \"late\" }", "late | | | | - | -"},
    {"return { revision = \"f\", upgrade = function(op, sa)\n  if x then local t = { revision = 1 } end\n  for i = 1, 2 do end\n  repeat until true\nend }", "f | | | | - | -"},
    {"return { revision = \"g\", upgrade = function() end, downgrade = function() end, };", "g | | | | - | -"},
    /* Lua must decide: */
    {"return { revision = \"a\" .. \"b\"," UP, "!"},
    {"local id = \"a\"\nreturn { revision = id," UP, "!"},
    {"return { revision = \"a\", revision = \"b\"," UP, "!"},
    {"return { revision = \"a\" }", "!"},
    {"return { down_revision = \"a\"," UP, "!"},
    {"return { revision = \"\\x41\"," UP, "!"},
    {"return { revision = [[a]]," UP, "!"},
    {"return { [\"revision\"] = \"a\"," UP, "!"},
    {"return { revision = \"a\", message = 42," UP, "!"},
    {"return { revision = \"a\"," UP " extra", "!"},
    {"return { revision = \"a\", upgrade = function() end", "!"},
    {"return { revision = \"a\", upgrade = function() end end }", "!"},
    {"return { revision = \"a\n\"," UP, "!"},
    {"return 42", "!"},
    {"", "!"},
    {"return { revision = \"a\", down_revision = { \"x\", y }," UP, "!"},
    /* clang-format on */
};

int main(void)
{
	struct dbm_buf got = DBM_BUF_INIT;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		CHECK_STR(describe(cases[i].text, &got), cases[i].want);
	dbm_buf_release(&got);
	return t_done();
}
