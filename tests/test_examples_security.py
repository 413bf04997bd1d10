"""The authentication and encryption examples hold what their designs promise.

Expectations come from the designs' intent: who authenticates whom, and
which key or TLS setting protects each store and hop.
"""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_file, compile_text
from archdsl.errors import DesignError
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def auth():
    return compile_file(EXAMPLES / "auth.arch").model


@pytest.fixture(scope="module")
def crypto():
    return compile_file(EXAMPLES / "encryption.arch").model


def test_public_api_takes_jwts_from_the_user_pool(auth):
    authorizer = auth.component("public-api.authorizer")
    assert authorizer.attrs["type"] == "JWT"
    assert authorizer.attrs["decided_by"] == "users"
    assert authorizer.attrs["audience"] == "web-client"


def test_lambda_authorizer_cache_ttl(auth):
    authorizer = auth.component("partner-api.authorizer")
    assert authorizer.attrs["decided_by"] == "check-key"
    assert authorizer.attrs["cache_ttl_seconds"] == 300


def test_services_call_the_ledger_with_iam(auth):
    hops = {
        c.source: c.attrs.get("auth")
        for c in auth.connections
        if c.target == "ledger-api"
    }
    assert hops == {"orders": "iam", "reports": "iam"}
    assert auth.component("ledger-api").attrs["public"] is False


def test_user_pool_requires_mfa_and_federates_saml(auth):
    pool = auth.component("users")
    assert pool.attrs["mfa"] == "required"
    assert "corp" in pool.attrs["identity_providers"]


def test_every_store_uses_the_customer_managed_key(crypto):
    stores = [
        "ledger-db.cluster",
        "documents",
        "receipts",
        "receipts.dlq",
        "cloudtrail.bucket",
    ]
    for store in stores:
        assert crypto.component(store).attrs["kms_key"] == "app.key", store


def test_every_request_hop_is_tls(crypto):
    plain = [
        c.id
        for c in crypto.connections
        if c.kind in ("sync", "async", "data") and c.tls is False
    ]
    assert plain == []


def test_alb_ends_tls_and_nlb_passes_it_through(crypto):
    assert crypto.component("web.alb").attrs["tls_termination"] == "load_balancer"
    assert crypto.component("web.alb").attrs["reencrypts"] is True
    assert crypto.component("web.target-group").attrs["protocol"] == "HTTPS"
    assert crypto.component("web.target-group").attrs["tls_to_targets"] is True
    assert crypto.component("payments.nlb").attrs["tls_termination"] == "target"


def test_ledger_requires_mtls(crypto):
    assert crypto.component("ledger.alb").attrs["mtls"] is True
    hops = [c for c in crypto.connections if c.flow == "payments->ledger"]
    assert hops
    for hop in hops:
        assert hop.attrs["auth"] == "mtls"


def test_api_presents_a_backend_certificate(crypto):
    assert crypto.component("partner").attrs["backend_certificate"] is True


def test_backend_certificate_needs_a_rest_api():
    with pytest.raises(DesignError) as caught:
        compile_text("api a http backend_cert\n", "t.arch")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message.startswith("'backend_cert' needs a REST API")


def test_identical_errors_are_reported_once():
    text = "client c\napi a rest auth=iam\nfunction f\nc -> a -> f auth=mtls\n"
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    messages = [d.message for d in caught.value.diagnostics]
    assert len(messages) == len(set(messages))
