"""The Lambda app is the API alone: CloudFront serves the web client from S3 in production."""

from starlette.routing import Route

from studio_credits.bootstrap import bootstrap, lambda_app


def test_the_lambda_app_serves_the_api_and_not_the_web_client() -> None:
    routes = lambda_app(bootstrap()).routes

    assert all(isinstance(route, Route) for route in routes)
    assert {route.path for route in routes if isinstance(route, Route)} == {"/graphql", "/"}
