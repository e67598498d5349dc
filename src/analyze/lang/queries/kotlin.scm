; tree-sitter-kotlin-ng ships no tags query.
(class_declaration name: (identifier) @name) @definition.class
(object_declaration name: (identifier) @name) @definition.object
(companion_object name: (identifier) @name) @definition.object
(function_declaration name: (identifier) @name) @definition.function
(type_alias type: (identifier) @name) @definition.type
(source_file
  (property_declaration (variable_declaration (identifier) @name)) @definition.constant)
(object_declaration
  (class_body
    (property_declaration (variable_declaration (identifier) @name)) @definition.constant))
