import pytest

TOKEN = "mutation($e:String!,$p:String!){ tokenCreate(email:$e,password:$p){ token errors { field code message } } }"


@pytest.mark.django_db
def test_register_then_token_then_me(gql) -> None:
    data = gql.execute(
        'mutation { accountRegister(email:"Lan@Example.com", password:"mat-ong-rung-2026", fullName:"Lê Lan")'
        " { user { email } errors { field code } } }"
    )
    assert data["accountRegister"]["errors"] == []
    assert data["accountRegister"]["user"]["email"] == "lan@example.com"

    token = gql.execute(TOKEN, {"e": "LAN@example.com", "p": "mat-ong-rung-2026"})["tokenCreate"]["token"]
    gql.authenticate(token)
    assert gql.execute("{ me { email fullName } }")["me"] == {"email": "lan@example.com", "fullName": "Lê Lan"}


@pytest.mark.django_db
def test_register_reports_every_bad_field(gql, django_user_model) -> None:
    django_user_model.objects.create_user(email="taken@example.com", password="whatever-long-1")
    data = gql.execute(
        'mutation { accountRegister(email:"taken@example.com", password:"123") { errors { field code } } }'
    )
    codes = {(e["field"], e["code"]) for e in data["accountRegister"]["errors"]}
    assert codes == {("email", "UNIQUE"), ("password", "PASSWORD_TOO_WEAK")}


@pytest.mark.django_db
def test_wrong_password_and_forged_token(gql, django_user_model) -> None:
    django_user_model.objects.create_user(email="b@example.com", password="right-password-1")
    data = gql.execute(TOKEN, {"e": "b@example.com", "p": "wrong"})
    assert data["tokenCreate"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    gql.authenticate("forged.token.value")
    response = gql.raw("{ me { email } }")
    assert response.status_code == 401


@pytest.mark.django_db
def test_token_dies_when_password_changes(gql, django_user_model) -> None:
    user = django_user_model.objects.create_user(email="c@example.com", password="first-password-1")
    token = gql.execute(TOKEN, {"e": "c@example.com", "p": "first-password-1"})["tokenCreate"]["token"]
    user.set_password("second-password-2")
    user.save()
    gql.authenticate(token)
    assert gql.raw("{ me { email } }").status_code == 401


@pytest.mark.django_db
def test_login_attempts_are_throttled(gql, django_user_model, settings) -> None:
    settings.LOGIN_RATE_LIMIT = "10/h"  # an hour window: the test never straddles a window edge
    codes = [
        gql.execute(TOKEN, {"e": "x@example.com", "p": "nope"})["tokenCreate"]["errors"][0]["code"] for _ in range(12)
    ]
    assert codes[:10] == ["INVALID_CREDENTIALS"] * 10
    assert codes[10:] == ["RATE_LIMITED", "RATE_LIMITED"]
