# اعتماد: بازدید کارمند از کابینت، محدودیت ورود، زنجیره ممیزی، عامل دوم.
err-not-while-acting = این کار هنگام بازدید از کابینت مشتری ممکن نیست: توکن‌ها، گذرواژه‌ها، نشست‌ها و اطلاعات تماس را فقط خود مشتری تغییر می‌دهد.
err-method-not-allowed = این نشانی چنین درخواستی را نمی‌پذیرد.
sla-holidays-running-out = تقویم «{ $name }» برای بیش از ۶۰ روز آینده تعطیلی ندارد: مهلت‌ها به‌زودی بدون تعطیلات حساب می‌شوند. روزها را اضافه کنید یا تقویم کاری را بارگذاری کنید.
sla-calendar-import = بارگذاری تقویم کاری
sla-calendar-import-hint = فایل iCalendar (.ics)، CSV داده‌های باز (هر سال یک سطر، ماه‌ها در ستون‌ها)، سطرهای CSV «تاریخ;holiday|worked;یادداشت» یا XML تقویم کاری. روزهای فایل اضافه می‌شوند یا جای روزهای موجود را می‌گیرند.
sla-calendar-import-button = بارگذاری
flash-sla-calendar-imported = تقویم کاری بارگذاری شد.
err-calendar-file-not-text = فایل متن UTF-8 نیست.
err-calendar-file-format = این فایل iCalendar، CSV یا XML تقویم کاری نیست.
err-calendar-file-invalid = سطری از فایل خوانده نشد؛ چیزی تغییر نکرد.
