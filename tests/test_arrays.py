"""search.arrays: the shared numpy helpers give exactly what the plain numpy expression gives."""

import numpy as np
import pytest

from search.arrays import COMPRESS_FROM, kept


@pytest.mark.parametrize("size", [0, 1, 10, COMPRESS_FROM, COMPRESS_FROM + 1, 50_000])
@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.99, 1.0])
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint16, np.float64, np.int8])
def test_kept_is_boolean_indexing(size, share, dtype):
    rng = np.random.default_rng(size + int(share * 100))
    array = rng.integers(0, 1000, size).astype(dtype)
    mask = rng.random(size) < share
    found = kept(array, mask)
    assert found.dtype == array.dtype
    assert np.array_equal(found, array[mask])


def test_kept_reads_a_memory_mapped_column(tmp_path):
    path = tmp_path / "column.npy"
    np.save(path, np.arange(COMPRESS_FROM * 3, dtype=np.int32))
    column = np.load(path, mmap_mode="r")
    mask = column % 3 == 1
    assert np.array_equal(kept(column, mask), np.asarray(column)[mask])
