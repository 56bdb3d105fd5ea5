"""The database half of the harness: each kind answers, and each test's database is its own."""

import pytest
import sqlalchemy as sa


def test_postgres_answers(postgres_url):
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select 1")).scalar_one() == 1
    engine.dispose()


# Run twice per kind: the second run would find the first one's table if databases were shared.
@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_an_empty_database(db_url, run):
    engine = sa.create_engine(db_url)
    assert sa.inspect(engine).get_table_names() == []
    with engine.begin() as conn:
        conn.execute(sa.text("create table probe (id integer primary key)"))
        conn.execute(sa.text("insert into probe (id) values (:run)"), {"run": run})
    assert sa.inspect(engine).get_table_names() == ["probe"]
    engine.dispose()
