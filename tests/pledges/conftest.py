from tests.staff import (  # noqa: F401 - fixtures
    ada,
    alice_client,
    bob_client,
    dave,
    editor,
    vera,
    verifier,
)
