; Constants and enums; methods come from tags.scm as functions inside classes.
(const_declaration (const_element (name) @name) @definition.constant)
(enum_declaration name: (name) @name) @definition.enum
