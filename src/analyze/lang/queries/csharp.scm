; Declarations the grammar's tags.scm leaves out.
(struct_declaration name: (identifier) @name) @definition.struct
(record_declaration name: (identifier) @name) @definition.struct
(enum_declaration name: (identifier) @name) @definition.enum
(file_scoped_namespace_declaration name: (_) @name) @definition.module
(constructor_declaration name: (identifier) @name) @definition.method
(delegate_declaration name: (identifier) @name) @definition.type
(field_declaration
  (modifier "const")
  (variable_declaration (variable_declarator name: (identifier) @name))) @definition.constant
