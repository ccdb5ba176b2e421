from .linke import UserFactory
from .providers import MembershipFactory, ProviderFactory

__all__ = ["MembershipFactory", "ProviderFactory", "UserFactory"]
