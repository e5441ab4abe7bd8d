"""Hand-built closed cases for the monitor's rules (rows, not the flow: the monitor reads only
what a closed case holds), on the demo directory (省医保局, 省检察院, 省公安厅, 省纪委监委)."""

import pytest

from tests.builders import make_closed_case


@pytest.fixture
def closed_case(world):
    def build(**kwargs):
        return make_closed_case(world, **kwargs)

    return build
