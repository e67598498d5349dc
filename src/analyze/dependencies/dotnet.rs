//! `NuGet`: `PackageReference` items of SDK-style projects (`*.csproj`), central versions in
//! `Directory.Packages.props` (`PackageVersion`), and the older `packages.config`.

use super::model::{Dep, Manifest};
use super::xml;

/// Reads a `*.csproj` or `Directory.Packages.props`.
pub fn project(text: &str) -> Result<Manifest, String> {
    let root = xml::parse(text)?;
    let mut manifest = Manifest::default();
    let items = root
        .descendants("PackageReference")
        .into_iter()
        .chain(root.descendants("PackageVersion"))
        .chain(root.descendants("GlobalPackageReference"));
    for item in items {
        let Some(name) = item
            .attribute("Include")
            .or_else(|| item.attribute("Update"))
        else {
            continue;
        };
        let version = item
            .attribute("Version")
            .or_else(|| item.child_text("Version"))
            .unwrap_or_default();
        manifest.push(Dep::new(name, version, Some(item.line)));
    }
    Ok(manifest)
}

/// Reads a `packages.config`.
pub fn packages_config(text: &str) -> Result<Manifest, String> {
    let root = xml::parse(text)?;
    let mut manifest = Manifest::default();
    for package in root.descendants("package") {
        if let Some(name) = package.attribute("id") {
            let version = package.attribute("version").unwrap_or_default();
            manifest.push(Dep::new(name, version, Some(package.line)));
        }
    }
    Ok(manifest)
}
