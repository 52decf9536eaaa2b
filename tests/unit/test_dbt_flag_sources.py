"""dbt's behaviour flags name the module that declared them without reading the stack's source files
(dbt-common's ``inspect.stack()`` cost half of every Cosmos dbt task)."""

from __future__ import annotations

import inspect

from talentflow.warehouse_build.dbt_project import cheap_dbt_flag_sources


def _flag():
    from dbt_common.behavior_flags import BehaviorFlagRendered

    return BehaviorFlagRendered({"name": "some_flag", "default": False, "description": "d"}, {})


def test_the_flag_source_is_the_declaring_module_as_before(monkeypatch):

    before = _flag()._behavior_change_event.flag_source
    cheap_dbt_flag_sources()
    after = _flag()._behavior_change_event.flag_source
    assert before == after == __name__


def test_no_source_file_is_read(monkeypatch):
    cheap_dbt_flag_sources()

    def no_stack(*args, **kwargs):
        raise AssertionError("inspect.stack() reads every frame's source lines")

    monkeypatch.setattr(inspect, "stack", no_stack)
    assert _flag()._behavior_change_event.flag_source == __name__
