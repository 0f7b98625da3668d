"""Alembic environment: runs against the connection kuaiban.db.migrate hands over."""

from alembic import context

import kuaiban.models  # noqa: F401  (registers every pillar's tables on Base.metadata)
from kuaiban.db import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:  # command-line use: alembic -x url=…
    from kuaiban.db import make_engine

    url = context.get_x_argument(as_dictionary=True).get("url")
    connection = make_engine(url).connect()

context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
