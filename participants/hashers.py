from django.contrib.auth.hashers import Argon2PasswordHasher


class ContestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1): safe, and fast enough that a round's
    opening rush of logins does not saturate two cores (DESIGN §4: ≥ 50 logins/s)."""

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
