"""TOTP two-factor authentication for the Wagtail admin (issue 16, item 6).

django-otp holds the devices (`otp_totp`: the authenticator app, `otp_static`:
the single-use backup codes) and marks a session as verified
(`request.user.is_verified()`). This package wires it into Wagtail's admin:

- `middleware.TwoFactorMiddleware`: under the admin prefix only, a user with a
  confirmed app gives a code before anything else (the verify view), and with
  ADMIN_2FA_REQUIRED superusers and members of ADMIN_2FA_GROUPS set one up
  first (the setup view);
- `views`: verify, setup (QR code drawn here, as inline SVG), the backup codes
  shown once, and the « Double authentification » page of the account;
- `devices`: what the views, the middleware and `manage.py reset_two_factor`
  share (who must use it, checking a code with django-otp's throttling,
  backup codes, removal).
"""
