"""Where runs live: run directories of plain JSON, and the result cache beside them."""

from evals.errors import CorruptRecordError, RunFormatError, RunMismatchError, RunStoreError
from evals.store.cache import (
    CACHE_INDEX_FILE,
    CacheIndex,
    cache_key,
    find_cached,
    newsbrief_version,
    rebuild_cache_index,
)
from evals.store.records import (
    FORMAT_VERSION,
    ArticleRecord,
    ErrorInfo,
    FieldAggregate,
    RunAggregate,
    RunConfig,
)
from evals.store.rundir import (
    AGGREGATE_FILE,
    CONFIG_FILE,
    RECORDS_FILE,
    LoadedRun,
    RunStore,
    load_run,
    resolve_recorded_dir,
)
from summarize.core.jsonl import PartialLineWarning

__all__ = [
    "AGGREGATE_FILE",
    "CACHE_INDEX_FILE",
    "CONFIG_FILE",
    "FORMAT_VERSION",
    "RECORDS_FILE",
    "ArticleRecord",
    "CacheIndex",
    "CorruptRecordError",
    "ErrorInfo",
    "FieldAggregate",
    "LoadedRun",
    "PartialLineWarning",
    "RunAggregate",
    "RunConfig",
    "RunFormatError",
    "RunMismatchError",
    "RunStore",
    "RunStoreError",
    "cache_key",
    "find_cached",
    "load_run",
    "newsbrief_version",
    "rebuild_cache_index",
    "resolve_recorded_dir",
]
