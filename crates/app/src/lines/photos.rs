//! The photo of the employee on a line (AST-6). An upload is checked by its content (JPEG,
//! PNG or WebP, at most 5 MB, at most 12,000 pixels a side), decoded, turned upright by its
//! EXIF orientation and re-encoded as JPEG — the photo at most 1,024 pixels a side and a
//! 128-pixel square thumbnail — so that nothing of the original file but its picture is kept
//! or served: no location, no camera data, no script in a crafted file.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, imageops::FilterType};
use kabinet_core::access::Permission;
use kabinet_core::assets::line_photo::{self as rules, PhotoFormat, PhotoProblem};
use kabinet_store::entities::line_photo::{self, Entity as PhotoRow};
use sea_orm::{ActiveValue::Set, EntityTrait, sea_query::OnConflict};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The field a photo arrives in.
pub const FIELD: &str = "photo";

/// A photo made ready to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub photo: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Checks, decodes and re-encodes an uploaded file. CPU-bound: call it off the async threads.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, PhotoProblem> {
    let format = match rules::check(bytes)? {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::WebP => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(rules::MAX_SIDE);
    limits.max_image_height = Some(rules::MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let unreadable = |_| PhotoProblem::Unreadable;
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    picture.apply_orientation(orientation);
    let photo = if picture.width().max(picture.height()) > rules::PHOTO_SIDE {
        picture.resize(rules::PHOTO_SIDE, rules::PHOTO_SIDE, FilterType::Lanczos3)
    } else {
        picture.clone()
    };
    let thumbnail = picture.resize_to_fill(rules::THUMBNAIL_SIDE, rules::THUMBNAIL_SIDE, FilterType::Triangle);
    Ok(Prepared {
        width: photo.width(),
        height: photo.height(),
        photo: jpeg(&photo, 85).map_err(unreadable)?,
        thumbnail: jpeg(&thumbnail, 80).map_err(unreadable)?,
    })
}

/// The picture as a JPEG of `quality` (transparency laid on white).
fn jpeg(picture: &DynamicImage, quality: u8) -> image::ImageResult<Vec<u8>> {
    let rgba = picture.to_rgba8();
    let mut flat = image::RgbImage::new(rgba.width(), rgba.height());
    for (to, from) in flat.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(from.0[3]);
        for c in 0..3 {
            to.0[c] = ((u16::from(from.0[c]) * alpha + 255 * (255 - alpha)) / 255) as u8;
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(&flat)?;
    Ok(out)
}

/// Sets the photo of the employee on line `id`: whoever may change the employee may.
pub async fn set(app: &App, actor: &Actor, who: &Identity, id: i64, bytes: Vec<u8>) -> AppResult<PhotoVersion> {
    who.require(&[Permission::CabinetLineSettings, Permission::LinesAdminister])?;
    // Seen before the work of decoding: another's line is not found, whatever the file.
    super::visible_row(app, &app.db.conn, who, id).await?;
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|p| FieldErrors::single(FIELD, p.code()))?;
    let sha256 = hex::encode(Sha256::digest(&prepared.photo));
    let txn = app.db.write().await?;
    super::visible_row(app, &txn, who, id).await?;
    let had = PhotoRow::find_by_id(id).one(&txn).await?.is_some();
    PhotoRow::insert(line_photo::ActiveModel {
        line_id: Set(id),
        photo: Set(prepared.photo),
        thumbnail: Set(prepared.thumbnail),
        width: Set(prepared.width as i32),
        height: Set(prepared.height as i32),
        sha256: Set(sha256.clone()),
        updated_at: Set(kabinet_store::now()),
    })
    .on_conflict(
        OnConflict::column(line_photo::Column::LineId)
            .update_columns([
                line_photo::Column::Photo,
                line_photo::Column::Thumbnail,
                line_photo::Column::Width,
                line_photo::Column::Height,
                line_photo::Column::Sha256,
                line_photo::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "line.photo_set",
        "asset",
        Some(id),
        json!({"replaced": had, "width": prepared.width, "height": prepared.height}),
    )
    .await?;
    txn.commit().await?;
    Ok(PhotoVersion(sha256))
}

/// Removes the photo of line `id`, if it has one.
pub async fn remove(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::CabinetLineSettings, Permission::LinesAdminister])?;
    let txn = app.db.write().await?;
    super::visible_row(app, &txn, who, id).await?;
    let removed = PhotoRow::delete_by_id(id).exec(&txn).await?.rows_affected;
    if removed > 0 {
        audit::record(&txn, actor, "line.photo_removed", "asset", Some(id), json!({})).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Which picture of a line's photo is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Photo,
    Thumbnail,
}

/// The version of a photo (its digest): part of its address, so it may be cached for long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoVersion(pub String);

/// The JPEG of line `id`'s photo and its version, for whoever may see the line.
pub async fn get(app: &App, who: &Identity, id: i64, size: Size) -> AppResult<(Vec<u8>, PhotoVersion)> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    super::visible_row(app, &app.db.conn, who, id).await?;
    let row = PhotoRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = match size {
        Size::Photo => row.photo,
        Size::Thumbnail => row.thumbnail,
    };
    Ok((bytes, PhotoVersion(row.sha256)))
}

/// The version of line `id`'s photo, if it has one (the caller has seen the line).
pub(crate) async fn version_of<C: sea_orm::ConnectionTrait>(db: &C, id: i64) -> AppResult<Option<String>> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    Ok(PhotoRow::find()
        .select_only()
        .column(line_photo::Column::Sha256)
        .filter(line_photo::Column::LineId.eq(id))
        .into_tuple::<String>()
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(width, height, |x, _| image::Rgba([(x % 255) as u8, 90, 200, 128]));
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(picture)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_photo_is_re_encoded_and_made_small() {
        let p = prepare(&png(2_000, 1_000)).unwrap();
        assert_eq!((p.width, p.height), (1_024, 512));
        assert!(p.photo.starts_with(&[0xFF, 0xD8, 0xFF]), "stored as JPEG");
        let thumb = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (128, 128));
        let small = prepare(&png(300, 400)).unwrap();
        assert_eq!((small.width, small.height), (300, 400), "a small photo keeps its size");
    }

    #[test]
    fn what_is_not_a_photo_is_refused() {
        assert_eq!(
            prepare(b"<html><script>alert(1)</script>"),
            Err(PhotoProblem::NotAnImage)
        );
        // A PNG's signature and nothing after it.
        assert_eq!(prepare(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(PhotoProblem::Unreadable));
        // A PNG that claims to be 100,000 pixels wide is not decoded.
        let mut bomb = png(4, 4);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        assert_eq!(prepare(&bomb), Err(PhotoProblem::Unreadable));
    }
}
