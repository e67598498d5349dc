//! AWS-managed IAM policies that grant `*`: attaching one is the same grant as writing the
//! wildcard statement inline, so it is the same finding (`iam-wildcard`). Data, one row per
//! policy with the AWS Managed Policy Reference page that shows its document.

/// One managed policy (or family of them) and what it grants.
pub struct Row {
    /// The policy name, or the suffix for a family (`*FullAccess`).
    pub name: &'static str,
    /// Whether `name` is a suffix shared by a family of policies.
    pub suffix: bool,
    /// What it grants, for the message.
    pub grants: &'static str,
    /// Where its policy document is published.
    pub source: &'static str,
}

/// Managed policies whose document allows `*` actions, or a whole service's actions on `*`
/// resources. Exact names first: the first matching row wins.
pub const ADMIN_POLICIES: &[Row] = &[
    Row {
        name: "AdministratorAccess",
        suffix: false,
        grants: "`*` actions on `*` resources: full control of the account",
        source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html",
    },
    Row {
        name: "IAMFullAccess",
        suffix: false,
        grants: "`iam:*` on `*`: can grant itself anything, full control of the account",
        source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/IAMFullAccess.html",
    },
    Row {
        name: "PowerUserAccess",
        suffix: false,
        grants: "`*` actions except IAM and Organizations on `*` resources",
        source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html",
    },
    Row {
        name: "AdministratorAccess-Amplify",
        suffix: false,
        grants: "broad `*` grants across Amplify's services, including IAM roles",
        source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess-Amplify.html",
    },
    Row {
        name: "AdministratorAccess-AWSElasticBeanstalk",
        suffix: false,
        grants: "broad `*` grants across Elastic Beanstalk's services, including IAM roles",
        source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess-AWSElasticBeanstalk.html",
    },
    Row {
        name: "FullAccess",
        suffix: true,
        grants: "every action of a service (`<service>:*`) on `*` resources",
        source: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html",
    },
];

/// The row for a policy ARN (`arn:aws:iam::aws:policy/AdministratorAccess`, any partition,
/// any path such as `job-function/`), also inside an interpolated string. Customer-managed
/// policies (`arn:aws:iam::123456789012:policy/…`) are not AWS-managed and never match.
#[must_use]
pub fn admin_policy(arn: &str) -> Option<&'static Row> {
    let (_, rest) = arn.split_once(":iam::aws:policy/")?;
    let name = rest
        .trim_end_matches(['"', '\'', ' '])
        .rsplit('/')
        .next()
        .unwrap_or(rest);
    ADMIN_POLICIES.iter().find(|row| {
        if row.suffix {
            name.ends_with(row.name)
        } else {
            name == row.name
        }
    })
}

#[cfg(test)]
mod tests {
    use super::admin_policy;

    /// AWS-managed admin and full-access policies match in any partition; customer policies,
    /// read-only policies and look-alike names do not.
    #[test]
    fn arns() {
        for (arn, name) in [
            (
                "arn:aws:iam::aws:policy/AdministratorAccess",
                Some("AdministratorAccess"),
            ),
            (
                "arn:aws-us-gov:iam::aws:policy/IAMFullAccess",
                Some("IAMFullAccess"),
            ),
            (
                "\"arn:${data.aws_partition.p.partition}:iam::aws:policy/AdministratorAccess\"",
                Some("AdministratorAccess"),
            ),
            (
                "arn:aws:iam::aws:policy/AmazonS3FullAccess",
                Some("FullAccess"),
            ),
            (
                "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
                None,
            ),
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", None),
            ("arn:aws:iam::123456789012:policy/AdministratorAccess", None),
            ("arn:aws:iam::aws:policy/AdministratorAccessNot", None),
        ] {
            assert_eq!(admin_policy(arn).map(|r| r.name), name, "{arn}");
        }
    }
}
