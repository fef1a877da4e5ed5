"""The User service: profiles, KYC tiers (maker-checker) and account status.

A profile is created from `auth.account.created.v1`, never through the API, so that the Auth
service and the User service never call each other. Every account gets a profile, admin
accounts (roles `admin:*`) included: the account id is the user id everywhere, so `GetMe`
works for any signed-in caller and downstream services (Wallet, Risk) see one uniform stream
of `user.created.v1`. An admin's profile grants nothing: admin powers come from the roles in
the JWT, and a tier-0 profile only carries tier-0 trading limits.
"""
