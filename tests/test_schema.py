"""The exported schema, the public contract and the web client's operations agree with the code."""

import dataclasses
from pathlib import Path

import pytest

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    NoUnusedFragmentsRule,
    ObjectTypeDefinitionNode,
    TypeDefinitionNode,
    build_ast_schema,
    build_schema,
    find_breaking_changes,
    parse,
    specified_rules,
    validate,
)
from studio_credits.api.schema import build_schema as build_our_schema

GRAPHQL = Path(__file__).parent.parent / "graphql"
EXPORTED = GRAPHQL / "schema.graphql"
CONTRACT = GRAPHQL / "contract.graphql"
OPERATIONS = sorted((GRAPHQL / "operations").glob("*.graphql"))

NOT_BUILT_YET: set[tuple[str, str | None]] = set()
"""Parts of the contract still to come, as (type, field), or (type, None) for a whole type.

While a feature is under way its parts wait here; the list only shrinks, and the test below fails
for an item that is built, so it cannot go stale. Empty: the whole contract holds.
"""


@pytest.fixture(scope="module")
def ours() -> GraphQLSchema:
    return build_schema(build_our_schema(production=False).as_str())


def test_the_exported_schema_is_the_code_s() -> None:
    printed = build_our_schema(production=False).as_str() + "\n"

    assert EXPORTED.read_text() == printed, "graphql/schema.graphql is stale: run `make schema`"


def without_not_built(contract: DocumentNode) -> DocumentNode:
    """The contract less the allow-listed parts; a type left with no field goes too."""
    kept = []
    for definition in contract.definitions:
        if not isinstance(definition, TypeDefinitionNode):
            kept.append(definition)
            continue
        name = definition.name.value
        if (name, None) in NOT_BUILT_YET:
            continue
        if isinstance(definition, ObjectTypeDefinitionNode):
            fields = tuple(f for f in definition.fields or () if (name, f.name.value) not in NOT_BUILT_YET)
            if fields:
                kept.append(dataclasses.replace(definition, fields=fields))
            continue
        kept.append(definition)
    return dataclasses.replace(contract, definitions=tuple(kept))


def test_the_schema_keeps_the_whole_contract_but_the_parts_not_built_yet(ours: GraphQLSchema) -> None:
    contract = build_ast_schema(without_not_built(parse(CONTRACT.read_text())))

    assert [change.description for change in find_breaking_changes(contract, ours)] == []


def test_the_not_built_list_names_only_what_is_missing(ours: GraphQLSchema) -> None:
    contract = build_schema(CONTRACT.read_text())
    for type_name, field in sorted(NOT_BUILT_YET, key=str):
        declared = contract.get_type(type_name)
        assert declared is not None, f"{type_name} is not in the contract"
        built = ours.get_type(type_name)
        if field is None:
            assert built is None, f"{type_name} is built now: take it off NOT_BUILT_YET"
            continue
        assert isinstance(declared, GraphQLObjectType) and field in declared.fields
        assert not (isinstance(built, GraphQLObjectType) and field in built.fields), (
            f"{type_name}.{field} is built now: take it off NOT_BUILT_YET"
        )


def test_there_are_client_operations() -> None:
    assert {path.stem for path in OPERATIONS} >= {"viewer", "plans", "quote"}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda path: path.stem)
def test_each_client_operation_is_valid_against_the_schema(ours: GraphQLSchema, operation: Path) -> None:
    """Each file with the fragments of the others, as codegen reads them: one document."""
    fragments = [
        definition
        for path in OPERATIONS
        if path != operation
        for definition in parse(path.read_text()).definitions
        if isinstance(definition, FragmentDefinitionNode)
    ]
    document = DocumentNode(definitions=(*parse(operation.read_text()).definitions, *fragments))
    rules = [rule for rule in specified_rules if rule is not NoUnusedFragmentsRule]
    assert [error.message for error in validate(ours, document, rules)] == []


def test_every_client_fragment_is_used(ours: GraphQLSchema) -> None:
    whole = DocumentNode(
        definitions=tuple(d for path in OPERATIONS for d in parse(path.read_text()).definitions)
    )
    assert [error.message for error in validate(ours, whole, [NoUnusedFragmentsRule])] == []
