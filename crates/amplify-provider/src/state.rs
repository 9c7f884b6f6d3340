//! An environment's state in its deployment bucket, as the original keeps it, so the original's `amplify
//! push`, `amplify env checkout` and a teammate's `amplify init` of the environment find what they expect:
//!
//! - `#current-cloud-backend.zip`: the files of `amplify/#current-cloud-backend/` at the zip's root, and
//!   `amplify/cli.json` beside them;
//! - `studio-backend/cli.json` and `studio-backend/amplify-meta.json` (the prefix is cleared first);
//! - `amplify-meta.json`: the same bytes as the zip's `amplify-meta.json`.
//!
//! Uploads go in the original's order; a download reads the zip and `amplify-meta.json` (the original needs
//! both) before anything is written locally.

use std::io::{Read as _, Write as _};

use amplify_aws::AwsError;
use amplify_aws::s3::primitives::ByteStream;
use amplify_project::CloudBackend;
use amplify_sts::Session;

use crate::error::ProviderError;

/// The zip of `#current-cloud-backend/`.
pub const ZIP_KEY: &str = "#current-cloud-backend.zip";
/// The stack outputs, read by the original when it pulls an environment.
pub const META_KEY: &str = "amplify-meta.json";
const STUDIO_PREFIX: &str = "studio-backend";
const CLI_JSON: &str = "cli.json";

/// A zip's entries are at most this large once inflated, and this many: a hostile zip cannot exhaust memory.
const MAX_ENTRY_BYTES: u64 = 64 << 20;
const MAX_ENTRIES: usize = 10_000;

/// `backend` and `cli.json` as the original zips them: `cli.json` first, then the folder's files with a
/// directory entry for each folder, paths relative to the folder.
pub fn zip_backend(backend: &CloudBackend, cli_json: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let file = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let folder = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
    let mut folders = std::collections::BTreeSet::new();
    let mut add = |zip: &mut zip::ZipWriter<_>, path: &str, bytes: &[u8]| {
        let mut prefix = String::new();
        for part in path
            .split('/')
            .collect::<Vec<_>>()
            .split_last()
            .map_or(&[][..], |(_, dirs)| dirs)
        {
            prefix = format!("{prefix}{part}/");
            if folders.insert(prefix.clone()) {
                zip.add_directory(prefix.as_str(), folder)
                    .expect("a zip in memory");
            }
        }
        zip.start_file(path, file).expect("a zip in memory");
        zip.write_all(bytes).expect("a zip in memory");
    };
    add(&mut zip, CLI_JSON, cli_json);
    for (path, bytes) in backend.files() {
        add(&mut zip, path, bytes);
    }
    zip.finish().expect("a zip in memory").into_inner()
}

/// The files of a downloaded zip (folders left out). An entry whose path would leave the folder (`..`,
/// absolute), a zip that is not one, and entries past the size limits are errors naming the object.
pub fn unzip_backend(bytes: &[u8], bucket: &str) -> Result<CloudBackend, ProviderError> {
    let bad = |problem: String| ProviderError::BadState {
        bucket: bucket.to_string(),
        key: ZIP_KEY.to_string(),
        problem,
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("it is not a zip file: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bad(format!("it has {} entries", archive.len())));
    }
    let mut files = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| bad(format!("entry {index} cannot be read: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let path = entry
            .enclosed_name()
            .and_then(|p| p.to_str().map(str::to_string))
            .ok_or_else(|| {
                bad(format!(
                    "the entry {:?} points outside its folder",
                    entry.name()
                ))
            })?;
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut content)
            .map_err(|e| bad(format!("the entry {path} cannot be read: {e}")))?;
        if content.len() as u64 > MAX_ENTRY_BYTES {
            return Err(bad(format!(
                "the entry {path} is larger than {} MiB",
                MAX_ENTRY_BYTES >> 20
            )));
        }
        files.push((path, content));
    }
    Ok(CloudBackend::from_files(files))
}

/// An environment's deployment bucket, through a session.
#[derive(Debug)]
pub struct DeploymentBucket<'a> {
    session: &'a Session,
    bucket: String,
}

/// What a pull reads from the bucket.
#[derive(Debug)]
pub struct Pulled {
    pub backend: CloudBackend,
    /// The bucket's `amplify-meta.json` (the original refuses to pull without it).
    pub meta: Vec<u8>,
}

impl<'a> DeploymentBucket<'a> {
    pub fn new(session: &'a Session, bucket: impl Into<String>) -> Self {
        Self {
            session,
            bucket: bucket.into(),
        }
    }

    fn failed(&self, key: &str, action: &'static str, source: AwsError) -> ProviderError {
        ProviderError::S3 {
            bucket: self.bucket.clone(),
            key: key.to_string(),
            action,
            source,
        }
    }

    /// `call` with a fresh session, on a client built for it; once more after a renewal if S3 says the
    /// session has expired although it looked valid (a client's identity cache would keep the rejected key,
    /// so the second call gets a new client).
    async fn call<T, F, Fut>(
        &self,
        key: &str,
        action: &'static str,
        call: F,
    ) -> Result<T, ProviderError>
    where
        F: Fn(amplify_aws::s3::Client) -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        self.session.keep_fresh().await?;
        match call(self.session.s3()).await {
            Err(error) if error.is_expired_token() => {
                tracing::info!(bucket = %self.bucket, key, "{error}: renewing the session once");
                if !self.session.renew_expired().await? {
                    return Err(self.failed(key, action, error));
                }
                call(self.session.s3())
                    .await
                    .map_err(|e| self.failed(key, action, e))
            }
            other => other.map_err(|e| self.failed(key, action, e)),
        }
    }

    async fn put(&self, key: &str, body: Vec<u8>) -> Result<(), ProviderError> {
        tracing::debug!(bucket = %self.bucket, key, "s3:PutObject");
        let bucket = self.bucket.as_str();
        self.call(key, "upload", |client| {
            let body = ByteStream::from(body.clone());
            async move {
                client
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .content_type("application/octet-stream")
                    .body(body)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(AwsError::from_sdk)
            }
        })
        .await
    }

    /// Stores a new environment's state, in the original's order: the zip, then `studio-backend/` cleared
    /// and refilled, then `amplify-meta.json`.
    pub async fn store(
        &self,
        backend: &CloudBackend,
        cli_json: &[u8],
    ) -> Result<(), ProviderError> {
        let meta = backend
            .file(amplify_project::cloud_backend::META)
            .expect("a cloud backend has its amplify-meta.json")
            .to_vec();
        self.put(ZIP_KEY, zip_backend(backend, cli_json)).await?;
        self.clear_studio().await?;
        self.put(&format!("{STUDIO_PREFIX}/{CLI_JSON}"), cli_json.to_vec())
            .await?;
        self.put(&format!("{STUDIO_PREFIX}/{META_KEY}"), meta.clone())
            .await?;
        self.put(META_KEY, meta).await
    }

    /// Deletes every version of every object under `studio-backend`, as the original does before it uploads
    /// the prefix again.
    async fn clear_studio(&self) -> Result<(), ProviderError> {
        use amplify_aws::s3::types::{Delete, ObjectIdentifier};
        let bucket = self.bucket.as_str();
        let listed = self
            .call(STUDIO_PREFIX, "list", |client| async move {
                client
                    .list_object_versions()
                    .bucket(bucket)
                    .prefix(STUDIO_PREFIX)
                    .send()
                    .await
                    .map_err(AwsError::from_sdk)
            })
            .await?;
        let objects: Vec<ObjectIdentifier> = listed
            .versions()
            .iter()
            .filter_map(|v| {
                ObjectIdentifier::builder()
                    .key(v.key()?)
                    .set_version_id(v.version_id().map(str::to_string))
                    .build()
                    .ok()
            })
            .collect();
        if objects.is_empty() {
            return Ok(());
        }
        let delete = Delete::builder()
            .set_objects(Some(objects))
            .build()
            .expect("objects are set");
        self.call(STUDIO_PREFIX, "delete", |client| {
            let delete = delete.clone();
            async move {
                client
                    .delete_objects()
                    .bucket(bucket)
                    .delete(delete)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(AwsError::from_sdk)
            }
        })
        .await
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, ProviderError> {
        tracing::debug!(bucket = %self.bucket, key, "s3:GetObject");
        let bucket = self.bucket.as_str();
        let object = self
            .call(key, "download", |client| async move {
                client
                    .get_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(AwsError::from_sdk)
            })
            .await?;
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| ProviderError::Download {
                bucket: self.bucket.clone(),
                key: key.to_string(),
                source: Box::new(e),
            })?;
        Ok(body.into_bytes().to_vec())
    }

    /// The environment's state, read whole and checked before anything is written.
    pub async fn fetch(&self) -> Result<Pulled, ProviderError> {
        let zip = self.get(ZIP_KEY).await?;
        let backend = unzip_backend(&zip, &self.bucket)?;
        if backend.file(amplify_project::cloud_backend::META).is_none() {
            return Err(ProviderError::BadState {
                bucket: self.bucket.clone(),
                key: ZIP_KEY.to_string(),
                problem: "it has no amplify-meta.json at its root".into(),
            });
        }
        let meta = self.get(META_KEY).await?;
        if serde_json::from_slice::<serde_json::Value>(&meta).is_err() {
            return Err(ProviderError::BadState {
                bucket: self.bucket.clone(),
                key: META_KEY.to_string(),
                problem: "it is not JSON".into(),
            });
        }
        Ok(Pulled { backend, meta })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amplify_project::StackOutputs;

    #[test]
    fn the_zip_has_the_originals_layout_and_reads_back() {
        let mut outputs = serde_json::Map::new();
        outputs.insert("Region".into(), "us-east-1".into());
        let backend = CloudBackend::new_environment(&StackOutputs(outputs), "[]");
        let zip = zip_backend(&backend, b"{\"features\":{}}");
        let archive = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "cli.json",
                "amplify-meta.json",
                "awscloudformation/",
                "awscloudformation/build/",
                "awscloudformation/build/root-cloudformation-stack.json",
                "tags.json"
            ]
        );
        let back = unzip_backend(&zip, "b").unwrap();
        assert_eq!(back.file("cli.json"), Some(&b"{\"features\":{}}"[..]));
        assert_eq!(back.file("tags.json"), Some(&b"[]"[..]));
    }

    #[test]
    fn a_hostile_or_broken_zip_is_refused_with_the_bucket_and_key() {
        let error = unzip_backend(b"not a zip", "my-bucket")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("s3://my-bucket/#current-cloud-backend.zip"),
            "{error}"
        );
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("../../escape.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"x").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let error = unzip_backend(&bytes, "b").unwrap_err().to_string();
        assert!(error.contains("points outside its folder"), "{error}");
        let whole = zip_backend(&CloudBackend::default(), b"{}");
        let error = unzip_backend(&whole[..whole.len() / 2], "b")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a zip file"), "{error}");
    }
}
