//! Builds big histories fast: one `git fast-import` stream instead of thousands of git calls.

use std::io::Write as _;
use std::process::Stdio;

use crate::support::Repo;

/// A fast-import stream under construction. Commits get marks `:1`, `:2`, … in order.
#[derive(Default)]
pub struct Stream {
    bytes: Vec<u8>,
    marks: u32,
}

impl Stream {
    /// Adds a commit on `branch` (after `from`, a mark, when given; otherwise after the branch's
    /// previous commit in this stream) that writes `files` and deletes `deleted`. Returns its mark.
    pub fn commit<'a>(
        &mut self,
        branch: &str,
        from: Option<u32>,
        message: &str,
        files: impl IntoIterator<Item = (String, &'a [u8])>,
    ) -> u32 {
        self.marks += 1;
        let mark = self.marks;
        // Distinct, increasing dates keep commit order stable for the revision walk.
        let when = 1_767_225_600 + u64::from(mark);
        let header = format!(
            "commit refs/heads/{branch}\nmark :{mark}\nauthor Dana Developer <dana@example.com> {when} +0000\ncommitter Dana Developer <dana@example.com> {when} +0000\ndata {}\n{message}\n",
            message.len()
        );
        self.bytes.extend_from_slice(header.as_bytes());
        if let Some(from) = from {
            self.bytes
                .extend_from_slice(format!("from :{from}\n").as_bytes());
        }
        for (path, content) in files {
            self.bytes.extend_from_slice(
                format!("M 100644 inline {path}\ndata {}\n", content.len()).as_bytes(),
            );
            self.bytes.extend_from_slice(content);
            self.bytes.push(b'\n');
        }
        self.bytes.push(b'\n');
        mark
    }

    /// Feeds the stream to `git fast-import` in `repo` and returns the full id of each mark.
    pub fn import(self, repo: &Repo) -> Vec<String> {
        let marks_file = repo.path.join(".git/stress-marks");
        let export = format!("--export-marks={}", marks_file.display());
        let mut child = repo
            .git_command(&["fast-import", "--quiet", &export])
            .stdin(Stdio::piped())
            .spawn()
            .expect("git fast-import starts");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(&self.bytes)
            .expect("stream written");
        assert!(child.wait().expect("fast-import ends").success());
        let marks = std::fs::read_to_string(marks_file).expect("marks file");
        let mut ids = vec![String::new(); self.marks as usize];
        for line in marks.lines() {
            let (mark, id) = line.split_once(' ').expect("`:mark id` line");
            let mark: usize = mark.trim_start_matches(':').parse().expect("mark number");
            ids[mark - 1] = id.to_string();
        }
        ids
    }
}
