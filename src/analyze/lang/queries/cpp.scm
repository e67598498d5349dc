; Namespaces and namespace-level constants.
(namespace_definition name: (namespace_identifier) @name) @definition.module
([(translation_unit) (declaration_list)]
  (declaration
    (type_qualifier) @qualifier
    declarator: (init_declarator declarator: (identifier) @name)) @definition.constant
  (#any-of? @qualifier "const" "constexpr"))
