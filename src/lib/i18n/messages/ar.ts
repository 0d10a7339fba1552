// Arabic catalogue (right-to-left). Every key of the English catalogue must be present.
import type { Messages } from './en';

export const ar: Messages = {
	'app.name': 'فلاش بوينت',
	'app.tagline': 'نقطة بيع بالبيتكوين على عقدتك الخاصة',
	'nav.home': 'الرئيسية',
	'nav.pos': 'نقطة البيع',
	'nav.merchant': 'التاجر',
	'nav.card': 'بطاقة فلاش',
	'nav.main': 'القائمة الرئيسية',
	'language.label': 'اللغة',
	'status.checking': 'جارٍ التحقق من الخادم…',
	'status.online': 'الخادم متصل · الإصدار {version}',
	'status.degraded': 'الخادم يستجيب لكن قاعدة البيانات لا تستجيب',
	'status.offline': 'غير متصل: يُعرض التطبيق المحفوظ',
	'home.heading': 'اقبل مدفوعات البيتكوين عند الصندوق',
	'home.intro': 'يمرر فلاش بوينت كل عملية بيع إلى عقدة لايتنينغ الخاصة بك. اختر من أين تبدأ.',
	'home.pos.title': 'نقطة البيع',
	'home.pos.body': 'للصرافين: سجّل عملية بيع واعرض رمز QR للعميل.',
	'home.merchant.title': 'التاجر',
	'home.merchant.body': 'للمالكين والمديرين: المبيعات والأرصدة والبطاقات والإعدادات.',
	'home.card.title': 'بطاقة فلاش',
	'home.card.body': 'لحاملي البطاقات: رصيد بطاقتك المدفوعة مسبقًا وسجلها.',
	'pos.heading': 'نقطة البيع',
	'pos.body':
		'لوحة الأرقام وشبكة المنتجات ورمز QR للايتنينغ تأتي مع ميزة الدفع. هذا الجهاز يحفظ التطبيق بالفعل للاستخدام دون اتصال.',
	'merchant.heading': 'التاجر',
	'merchant.body':
		'ستظهر هنا المبيعات والأرصدة والتقارير والبطاقات والمكافآت والفريق والإعدادات بعد تسجيل الدخول.',
	'card.heading': 'بطاقة فلاش',
	'card.body': 'انقر ببطاقتك أو افتح رابطها لرؤية رصيدك وآخر مدفوعاتك.',
	'notFound.heading': 'الصفحة غير موجودة',
	'notFound.body': 'لا يوجد شيء في {path}.',
	'error.heading': 'حدث خطأ ما',
	'notFound.back': 'العودة إلى البداية',
	'update.ready': 'إصدار جديد من فلاش بوينت جاهز.',
	'update.reload': 'إعادة التحميل'
};
