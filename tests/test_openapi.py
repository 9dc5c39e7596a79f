from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_openapi_document_lists_the_job_and_organisation_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert "get" in paths["/api/v1/jobs"]
    assert "get" in paths["/api/v1/jobs/{job_id}"]
    assert "get" in paths["/api/v1/organisations/{organisation_id}"]
    list_params = {p["name"] for p in paths["/api/v1/jobs"]["get"]["parameters"]}
    assert {
        "q",
        "city",
        "room_and_board",
        "couple_rooms",
        "flexible",
        "wage_min",
        "wage_unit",
        "page",
    } <= list_params
    wage = doc["components"]["schemas"]["WageOut"]["properties"]
    assert wage["min_fen"]["type"] == "integer"
    assert wage["max_fen"]["type"] == "integer"


@pytest.mark.django_db
def test_apply_documents_its_idempotency_key_as_required_with_its_format(client):
    # given / when
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/applications"]["post"]

    # then: a request without the key is refused 400, so the document says it is required
    (key,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["required"] is True
    assert key["schema"]["pattern"] == "^[A-Za-z0-9_.:\\-]{8,64}$"


@pytest.mark.django_db
def test_every_operation_documents_the_503_of_a_database_that_cannot_serve(client):
    # given / when
    document = client.get("/api/v1/openapi.json").json()

    # then
    for methods in document["paths"].values():
        for operation in methods.values():
            unavailable = operation["responses"]["503"]
            schema = unavailable["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ApiError"}
            assert "Retry-After" in unavailable["headers"]


@pytest.mark.django_db
def test_the_report_and_appeal_uploads_are_documented_as_multipart_with_a_file(client):
    # given / when
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    # then: a client generated from the document sends the file as a form field `file`
    for path in (
        "/api/v1/reports/{report_id}/screenshot",
        "/api/v1/organisations/{organisation_id}/cases/{case_id}/appeal/evidence",
    ):
        operation = paths[path]["post"]
        form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert form["required"] == ["file"], path
        assert form["properties"]["file"] == {"format": "binary", "title": "File", "type": "string"}
        assert {"200", "404", "409", "413"} <= set(operation["responses"]), path
