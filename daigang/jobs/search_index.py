"""The keyword index over jobs' jieba tokens, one per database engine.

A keyword search asks for jobs whose search text holds every query token as a whole token
(search.py). A LIKE '% 普工 %' does that by reading every job; at a million jobs that is
seconds. Each engine gets its own index over the same tokens, and answers exactly what the
LIKE answers:

- SQLite: an FTS5 table `jobs_job_search` (rowid = the job's id). Its tokenizer splits on
  whitespace only in practice: `unicode61` keeps letters and digits of every script together,
  `tokenchars` adds the punctuation jieba leaves inside a token ("c++", "3.5", "50%", "a_b"),
  and diacritics are kept ("é" is not "e"). It is a table of its own, so the job write
  services keep it in step (`search_index_put`), in the transaction that writes the job;
  `search_index_rebuild` refills it from the jobs.
- PostgreSQL: a GIN index on the tokens as a tsvector, made with `array_to_tsvector` (the
  tokens verbatim as lexemes: no parser, no stemming, no stop words) and queried with a
  tsquery of quoted lexemes. It is an index on the columns the services write, so PostgreSQL
  keeps it in step itself; `search_index_rebuild` builds it again.

Both also index the job's place: the code prefixes of its region ("44", "4419", "441900"),
or a sentinel for a job without a region. A keyword search in a place then narrows to that
place's jobs inside the index (普工 alone is a fifth of all jobs; 普工 in 东莞 a few
thousand). For a job with a region the index's answer is the place filter itself (the same
code prefix); the rows still decide the jobs without one, by their city's name.

What the index holds changes only with a job's text and region (create, edit, the text
refresh); publishing, closing, expiry and take-downs change what the row filters read, so
they need no index write. No service deletes jobs; a deleted job's entry would match no row,
and `search_index_rebuild` drops it.

Any other engine keeps the LIKE path, which stays the definition of a match.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, DateTimeField, F, OrderBy, Q, Value
from django.db.models.expressions import ExpressionWrapper, RawSQL

FTS_TABLE = "jobs_job_search"
# Characters jieba keeps inside one token besides letters and digits (its re_han_default).
FTS_TOKENCHARS = "+#&._%-"
# detail=column: no positions (each query token is one FTS token, never a phrase), but
# column filters, so a place code never answers a keyword.
FTS_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "tokens, places, "
    f"tokenize = 'unicode61 remove_diacritics 0 tokenchars ''{FTS_TOKENCHARS}''', "
    "detail = column)"
)
FTS_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"
# The places of a job without a region.
FTS_NO_PLACE = "none"
FTS_PLACES_SQL = (
    f"CASE WHEN coalesce(region_id, '') = '' THEN '{FTS_NO_PLACE}' "
    "ELSE substr(region_id, 1, 2) || ' ' || substr(region_id, 1, 4) || ' ' || region_id END"
)

PG_INDEX = "jobs_job_search_gin"
# A query token never holds '§' (not a word character: jieba gives it alone and
# search._clean drops it), so a place lexeme never answers a keyword; '§' alone is a job
# without a region. The same expression in the index and in the query, or PostgreSQL will
# not use the index.
PG_DOCUMENT = (
    "array_to_tsvector(array_remove(string_to_array({table}search_text, ' '), '') || ARRAY["
    "'§' || left(coalesce({table}region_id, ''), 2), "
    "'§' || left(coalesce({table}region_id, ''), 4), "
    "'§' || coalesce({table}region_id, '')])"
)
PG_CREATE = (
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON jobs_job USING gin ({PG_DOCUMENT.format(table='')})"
)
PG_DROP = f"DROP INDEX IF EXISTS {PG_INDEX}"


def search_index_engine() -> str:
    """ "sqlite" or "postgresql" when the database has a keyword index, "" otherwise."""
    return connection.vendor if connection.vendor in ("sqlite", "postgresql") else ""


def _fts_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _fts_query(tokens: list[str], place_prefix: str | None) -> str:
    # Each token a quoted string, all of them required, in the tokens column only.
    query = "tokens : (" + " AND ".join(_fts_string(token) for token in tokens) + ")"
    if place_prefix is not None:
        query += f" AND places : ({_fts_string(place_prefix)} OR {FTS_NO_PLACE})"
    return query


def _tsquery_lexeme(value: str) -> str:
    # A quoted lexeme, taken verbatim by the ::tsquery cast (no normalisation).
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(tokens: list[str], place_prefix: str | None) -> str:
    query = " & ".join(_tsquery_lexeme(token) for token in tokens)
    if place_prefix is not None:
        query += f" & ({_tsquery_lexeme('§' + place_prefix)} | '§')"
    return query


def search_index_q(*, tokens: list[str], place_prefix: str | None = None) -> Q:
    """Jobs holding every one of `tokens`, answered by the engine's index; with
    `place_prefix` (regions.selectors.region_prefix: 2, 4 or 6 digits, the prefixes the
    index holds) only those whose region code starts with it, and those with no region (the
    caller decides those by city name).

    Only for an engine search_index_engine() names; the caller uses the LIKE otherwise.
    """
    if place_prefix is not None and len(place_prefix) not in (2, 4, 6):
        raise ValueError(f"the index holds 2-, 4- and 6-digit code prefixes, not {place_prefix!r}")
    engine = search_index_engine()
    if engine == "sqlite":
        hit = RawSQL(
            f'"jobs_job"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)',
            [_fts_query(tokens, place_prefix)],
            output_field=BooleanField(),
        )
    elif engine == "postgresql":
        hit = RawSQL(
            PG_DOCUMENT.format(table='"jobs_job".') + " @@ %s::tsquery",
            [_tsquery(tokens, place_prefix)],
            output_field=BooleanField(),
        )
    else:
        raise RuntimeError(f"no keyword index on {connection.vendor}")
    return Q(hit)


def search_index_freshness() -> tuple[OrderBy, OrderBy]:
    """Newest first, as jobs_open orders, in a form PostgreSQL cannot read off the
    published_at index: for a keyword in a place, whose matches are few enough to sort.

    With LIMIT 20 and a few thousand estimated matches, PostgreSQL would walk published_at
    backwards testing every job against the keywords until it had 20 (331 ms for 普工 in 福州
    at a million jobs) rather than take the index's matches and sort them (the count reads
    them anyway: ~20 ms). published_at + 0 orders the same and leaves only the second plan.
    """
    fresh = ExpressionWrapper(F("published_at") + Value(timedelta(0)), output_field=DateTimeField())
    return fresh.desc(), F("id").desc()


def _fts_places(region_id: str | None) -> str:
    if not region_id:
        return FTS_NO_PLACE
    return f"{region_id[:2]} {region_id[:4]} {region_id}"


def search_index_put(*, jobs: Iterable[tuple[int, str, str | None]]) -> None:
    """Index these (job id, search text, region code) in place of what was indexed for those
    jobs. Call it in the transaction that writes the jobs' search text or region. Nothing to
    do on PostgreSQL, whose index is on the columns themselves.
    """
    if search_index_engine() != "sqlite":
        return
    rows = [(job_id, text, _fts_places(region_id)) for job_id, text, region_id in jobs]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(r[0],) for r in rows])
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, tokens, places) VALUES (%s, %s, %s)", rows
        )


def search_index_rebuild() -> int:
    """Build the index again from every job's stored search text and region; returns how
    many jobs it holds."""
    engine = search_index_engine()
    with connection.cursor() as cursor:
        if engine == "sqlite":
            cursor.execute(FTS_DROP)
            cursor.execute(FTS_CREATE)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, tokens, places) "
                f"SELECT id, search_text, {FTS_PLACES_SQL} FROM jobs_job"
            )
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
        elif engine == "postgresql":
            # Built once from the rows (a REINDEX after CREATE INDEX would build it twice).
            cursor.execute(PG_DROP)
            cursor.execute(PG_CREATE)
        cursor.execute("SELECT count(*) FROM jobs_job")
        (count,) = cursor.fetchone()
    return int(count)
