"""Which days can change a variable's answer, read from its formulas.

A rule dated to the day (a death, an application) is simulated once per period. When every formula that
the answer depends on reads its period only to ask for inputs (`person("x", period)`) and for the
parameters in force (`parameters(period)`, `parameters(period.start)`), two days give the same answer
unless a formula version or a parameter value the formulas read starts between them: a population of
850 death days then needs one simulation per span between such days, not one per day. A formula that
does anything else with its period (counts days from it, passes it to a helper) makes every day count, and
so does a formula whose source cannot be read as such a function. The analysis trusts that no formula reads
a date out of the parameter tree itself (a tree now stands for every day of its span).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from datetime import date, timedelta
from functools import cache

from kuaiban.rules.system import leaf_parameters, tax_benefit_system


class _ReadsTheDate(Exception):
    """A formula uses its period for more than inputs and parameters."""


def _formula_reads(function) -> tuple[set[str], set[str] | None]:
    """(variables a formula asks for, top-level parameter nodes it reads or None for any of them);
    raises _ReadsTheDate when it uses its period otherwise."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):  # no source to read (a lambda's line, a built function)
        raise _ReadsTheDate from None
    definition = next((node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)), None)
    if definition is None or len(definition.args.args) != 3:  # a lambda, a formula(person, period) …
        raise _ReadsTheDate
    entity, period, parameters = (arg.arg for arg in definition.args.args)
    parents = {child: node for node in ast.walk(definition) for child in ast.iter_child_nodes(node)}

    def called(node: ast.AST, name: str) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name

    variables: set[str] = set()
    nodes: set[str] | None = set()
    for node in ast.walk(definition):
        if not (isinstance(node, ast.Name) and node.id == period):
            continue
        parent = parents[node]
        if called(parent, entity) and len(parent.args) == 2 and parent.args[1] is node and not parent.keywords:
            # (options such as ADD or DIVIDE read other periods than the day: refused below)
            if not (isinstance(parent.args[0], ast.Constant) and isinstance(parent.args[0].value, str)):
                raise _ReadsTheDate
            variables.add(parent.args[0].value)
            continue
        call = parent
        if isinstance(parent, ast.Attribute) and parent.attr == "start":
            call = parents[parent]
        if called(call, parameters) and call.args and call.args[0] in (node, parent):
            above = parents.get(call)
            if isinstance(above, ast.Attribute) and nodes is not None:
                nodes.add(above.attr)
            else:  # the whole tree kept in a name: any parameter may be read
                nodes = None
            continue
        raise _ReadsTheDate
    return variables, nodes


@cache
def change_days(variable: str) -> tuple[date, ...] | None:
    """The days on which `variable`'s answer may change for the same inputs, in order; None when its
    formulas (or those it depends on) read the date itself, so that every day may differ."""
    system = tax_benefit_system()
    pending, seen, days = [variable], set(), set()
    nodes: set[str] | None = set()
    try:
        while pending:
            name = pending.pop()
            if name in seen or name not in system.variables:
                continue
            seen.add(name)
            found = system.variables[name]
            if found.end:  # computed up to and including its end day
                days.add(date.fromisoformat(str(found.end)) + timedelta(days=1))
            for start, function in found.formulas.items():
                days.add(date.fromisoformat(start))
                asked, read = _formula_reads(function)
                pending += asked
                nodes = None if nodes is None or read is None else nodes | read
    except _ReadsTheDate:
        return None
    for parameter in leaf_parameters(system):
        if nodes is None or parameter.name.split(".")[0] in nodes:
            days.update(date.fromisoformat(at.instant_str) for at in parameter.values_list)
    return tuple(sorted(days))
