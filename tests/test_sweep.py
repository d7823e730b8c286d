"""studies.sweep changes one choice at a time: its arguments replace the base's, nothing else moves."""
from studies.sweep import BASE, VARIANTS, arguments


def value(args, option):
    """What follows an option up to the next one: [] for a flag such as --no-flip."""
    start = args.index(option) + 1
    end = next((i for i in range(start, len(args)) if args[i].startswith("--")), len(args))
    return args[start:end]


def test_a_variant_replaces_only_its_own_options():
    for name, changes in VARIANTS.items():
        args = arguments(changes)
        assert args[:3] == BASE[:3] and args[0] == "--data"  # the same data (two folders) for every run
        changed = {o for o in changes if o.startswith("--")}
        for option in (o for o in BASE if o.startswith("--") and o not in changed and o != "--data"):
            assert value(args, option) == value(BASE, option), (name, option)
    assert value(arguments(["--size", "96"]), "--size") == ["96"] and arguments(["--size", "96"]).count("--size") == 1
    assert arguments(["--no-augment"])[-1] == "--no-augment"


def test_the_flip_variant_turns_on_what_the_base_turns_off():
    from training.train import parse_args

    assert parse_args(["--name", "x", *arguments(VARIANTS["base"])]).flip is False
    assert parse_args(["--name", "x", *arguments(VARIANTS["flip"])]).flip is True
