from .linke import UserFactory
from .merchants import LeadFactory, MerchantFactory, StoreFactory
from .providers import MembershipFactory, ProviderFactory

__all__ = ["LeadFactory", "MembershipFactory", "MerchantFactory", "ProviderFactory", "StoreFactory", "UserFactory"]
