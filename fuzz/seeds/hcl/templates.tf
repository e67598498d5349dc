variable "env" {
  default = "prod"
}
resource "aws_s3_bucket" "b" {
  bucket = "logs-${var.env}-$${literal}"
  tags = {
    Name = "%{ for k in var.ks }${k}%{ endfor }"
  }
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*" }] })
  count = 2e0
}
moved {
  from = aws_s3_bucket.a
  to   = aws_s3_bucket.b
}
