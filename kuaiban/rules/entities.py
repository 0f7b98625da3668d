"""OpenFisca entities: 个人 (Person) and 企业 (Enterprise, which has employees)."""

from __future__ import annotations

from openfisca_core.entities import build_entity

Person = build_entity(
    key="person",
    plural="persons",
    label="个人（参保人、退休人员、失业人员）",
    is_person=True,
)

Enterprise = build_entity(
    key="enterprise",
    plural="enterprises",
    label="企业（参保单位）",
    doc="An insured employer; its members are its employees (职工).",
    roles=[{"key": "employee", "plural": "employees", "label": "职工"}],
)

entities = [Person, Enterprise]
