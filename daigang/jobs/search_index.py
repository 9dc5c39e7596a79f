"""The keyword index over jobs' jieba tokens, one per database engine.

A keyword search asks for jobs whose search text holds every query token as a whole token
(search.py). A LIKE '% 普工 %' does that by reading every job; at a million jobs that is
seconds. Each engine gets its own index over the same tokens, and answers exactly what the
LIKE answers:

- SQLite: an FTS5 table `jobs_job_search` (rowid = the job's id, one column of its tokens).
  Its tokenizer splits on whitespace only in practice: `unicode61` keeps letters and digits
  of every script together, `tokenchars` adds the punctuation jieba leaves inside a token
  ("c++", "3.5", "50%", "a_b"), and diacritics are kept ("é" is not "e"). It is a table of
  its own, so the job write services keep it in step (`search_index_put`), in the transaction
  that writes the job; `search_index_rebuild` refills it from the jobs.
- PostgreSQL: a GIN index on the tokens as a tsvector, made with `array_to_tsvector` (the
  tokens verbatim as lexemes: no parser, no stemming, no stop words) and queried with a
  tsquery built from quoted lexemes. It is an index on the column the services write, so
  PostgreSQL keeps it in step itself; `search_index_rebuild` reindexes it.

Any other engine keeps the LIKE path, which stays the definition of a match.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "jobs_job_search"
# Characters jieba keeps inside one token besides letters and digits (its re_han_default).
FTS_TOKENCHARS = "+#&._%-"
FTS_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "tokens, "
    f"tokenize = 'unicode61 remove_diacritics 0 tokenchars ''{FTS_TOKENCHARS}''', "
    "detail = none)"
)
FTS_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"

PG_INDEX = "jobs_job_search_gin"
# The same expression in the index and in the query, or PostgreSQL will not use the index.
PG_TOKENS = "array_to_tsvector(array_remove(string_to_array({column}, ' '), ''))"
PG_CREATE = (
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON jobs_job "
    f"USING gin ({PG_TOKENS.format(column='search_text')})"
)
PG_DROP = f"DROP INDEX IF EXISTS {PG_INDEX}"


def search_index_engine() -> str:
    """ "sqlite" or "postgresql" when the database has a keyword index, "" otherwise."""
    return connection.vendor if connection.vendor in ("sqlite", "postgresql") else ""


def _fts_query(tokens: list[str]) -> str:
    # Each token a quoted string (a '"' inside doubled), all of them required.
    return " AND ".join('"' + token.replace('"', '""') + '"' for token in tokens)


def _tsquery(tokens: list[str]) -> str:
    # Quoted lexemes, taken verbatim by the ::tsquery cast (no normalisation).
    quoted = ("'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in tokens)
    return " & ".join(quoted)


def search_index_q(*, tokens: list[str]) -> Q:
    """Jobs holding every one of `tokens`, answered by the engine's index.

    Only for an engine search_index_engine() names; the caller uses the LIKE otherwise.
    """
    engine = search_index_engine()
    if engine == "sqlite":
        hit = RawSQL(
            f'"jobs_job"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)',
            [_fts_query(tokens)],
            output_field=BooleanField(),
        )
    elif engine == "postgresql":
        hit = RawSQL(
            PG_TOKENS.format(column='"jobs_job"."search_text"') + " @@ %s::tsquery",
            [_tsquery(tokens)],
            output_field=BooleanField(),
        )
    else:
        raise RuntimeError(f"no keyword index on {connection.vendor}")
    return Q(hit)


def search_index_put(*, jobs: Iterable[tuple[int, str]]) -> None:
    """Index these (job id, search text) pairs in place of what was indexed for those jobs.

    Call it in the transaction that writes the jobs' search text. Nothing to do on
    PostgreSQL, whose index is on the column itself.
    """
    if search_index_engine() != "sqlite":
        return
    rows = [(job_id, text) for job_id, text in jobs]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i, _t in rows])
        cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, tokens) VALUES (%s, %s)", rows)


def search_index_rebuild() -> int:
    """Rebuild the index from every job's stored search text; returns how many jobs."""
    engine = search_index_engine()
    with connection.cursor() as cursor:
        if engine == "sqlite":
            cursor.execute(FTS_DROP)
            cursor.execute(FTS_CREATE)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, tokens) SELECT id, search_text FROM jobs_job"
            )
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
        elif engine == "postgresql":
            cursor.execute(PG_CREATE)
            cursor.execute(f"REINDEX INDEX {PG_INDEX}")
        cursor.execute("SELECT count(*) FROM jobs_job")
        (count,) = cursor.fetchone()
    return int(count)
