"""rounds.selectors.round_with_contest: the plain-SQL read of "Vào thi" gives exactly the
round and contest the ORM gives (every field, converted), and None for an unknown round."""

import pytest

from rounds.models import Contest, Round
from rounds.selectors import round_with_contest
from tests.factories import ContestFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_same_round_and_contest_as_the_orm(django_assert_num_queries):
    contest = ContestFactory(minimum_age=18, attempts_per_round=3)
    round = RoundFactory(contest=contest)
    RoundFactory(contest=ContestFactory())  # a bystander the join must not pick up
    with django_assert_num_queries(1):
        read = round_with_contest(round_id=round.pk)
        contest_read = read.contest  # no second query: the contest came with the round
    expected = Round.objects.select_related("contest").get(pk=round.pk)
    assert _values(read) == _values(expected)
    assert _values(contest_read) == _values(Contest.objects.get(pk=contest.pk))
    assert read.is_open_at(expected.starts_at) == expected.is_open_at(expected.starts_at)
    assert read.contest.grace == expected.contest.grace


def test_unknown_round_is_none():
    assert round_with_contest(round_id=987654321) is None
