from tests.staff import alice_client, bob_client, editor, verifier  # noqa: F401 - fixtures
