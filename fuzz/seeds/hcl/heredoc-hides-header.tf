resource "aws_db_instance" "main" {
  engine              = "postgres"
  allocated_storage   = 1e3
  skip_final_snapshot = false
}

=====
locals {
  note = <<-EOT
    resource "aws_db_instance" "main" {
    %{ if var.x }${var.y}%{ endif }
    EOT
  n = 1.5E-2
}
/* module "m" {
*/
