"""`batched_rows`: a report's rows made a batch at a time (a page, or a chunk of the stream), so
a report can complete each batch with one query — the staffing report's candidates."""

from registry.kernel.reporting import batched_rows
from registry.models import Area, AreaLevel


def test_batches_stream_every_row_in_order_and_pages_agree(db):
    for n in range(5):
        Area.objects.create(name=f"第{n}街道", level=AreaLevel.STREET)
    batches = []

    def rows(areas):
        batches.append(len(areas))
        return [{"area": a.name, "batch": len(batches)} for a in areas]

    lazy = batched_rows(Area.objects.order_by("-name"), rows, chunk_size=2)
    streamed = list(lazy)
    assert [r["area"] for r in streamed] == [f"第{n}街道" for n in (4, 3, 2, 1, 0)]
    assert batches == [2, 2, 1]  # one call per chunk, never one per row
    assert [r["batch"] for r in streamed] == [1, 1, 2, 2, 3]
    assert len(lazy) == 5
    assert [r["area"] for r in lazy[1:3]] == ["第3街道", "第2街道"]  # a page is one batch
    assert batches[-1] == 2


def test_a_page_inside_the_last_rows_fetched_costs_no_query(db, django_assert_num_queries):
    """A report page first samples its rows to judge its columns, then shows a page of them:
    the page is served from the sample (the count is a query of its own, whatever the size, so a
    page runs as many queries for ten rows as for a million)."""
    for n in range(5):
        Area.objects.create(name=f"第{n}街道", level=AreaLevel.STREET)
    lazy = batched_rows(Area.objects.order_by("name"), lambda areas: [{"area": a.name} for a in areas])
    with django_assert_num_queries(2):
        assert len(lazy[:200]) == 5
        assert [r["area"] for r in lazy[2:4]] == ["第2街道", "第3街道"]
        assert len(lazy) == 5
        assert lazy[4:10] == [{"area": "第4街道"}]
    fresh = batched_rows(Area.objects.order_by("name"), lambda areas: [{"area": a.name} for a in areas])
    with django_assert_num_queries(2):
        assert [r["area"] for r in fresh[0:2]] == ["第0街道", "第1街道"]
        assert [r["area"] for r in fresh[1:3]] == ["第1街道", "第2街道"]  # reaches past what is held
