"""Imports every pillar's SQLAlchemy models so Alembic sees all tables on one metadata."""

from kuaiban.library import models as library_models  # noqa: F401
from kuaiban.platform import holds as hold_models  # noqa: F401
from kuaiban.platform import holidays as holiday_models  # noqa: F401
from kuaiban.platform import jobs as job_models  # noqa: F401
from kuaiban.platform import material_files as material_file_models  # noqa: F401
from kuaiban.platform import models as platform_models  # noqa: F401
from kuaiban.platform import notification_models  # noqa: F401
from kuaiban.platform import password_reset as password_reset_models  # noqa: F401
from kuaiban.platform import storage as storage_models  # noqa: F401
from kuaiban.programs import models as program_models  # noqa: F401
from kuaiban.programs.loans import models as loan_models  # noqa: F401
from kuaiban.services import models as services_models  # noqa: F401
from kuaiban.unemployment import models as unemployment_models  # noqa: F401
from kuaiban.unemployment import transfer_models  # noqa: F401
from kuaiban.unemployment.national import models as national_sync_models  # noqa: F401
